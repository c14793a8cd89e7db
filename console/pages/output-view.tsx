// A run's output as text, following it live over server-sent events while the run goes on.
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiUrl } from '../api';

type Piece = { text: string; nextOffset: number; omittedBytes: number };

/** `live`: follow the stream until its `end` event; otherwise show `recorded`. */
export function OutputView(props: { execId: string; live: boolean; recorded: string | null; onEnd: () => void }) {
  const [text, setText] = useState('');
  const [state, setState] = useState<'following' | 'ended' | 'reconnecting'>('following');
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (!props.live) return;
    setText('');
    setState('following');
    const source = new EventSource(apiUrl(`logs/${encodeURIComponent(props.execId)}/output`));
    source.addEventListener('output', (event) => {
      const piece = JSON.parse((event as MessageEvent<string>).data) as Piece;
      const gap = piece.omittedBytes > 0 ? `\n[… ${piece.omittedBytes} bytes left out …]\n` : '';
      setText((t) => t + gap + piece.text);
      setState('following');
    });
    source.addEventListener('end', () => {
      source.close();
      setState('ended');
      props.onEnd();
    });
    // EventSource reconnects by itself, resuming from the last event id.
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'ended' : 'reconnecting');
    return () => source.close();
  }, [props.execId, props.live]);
  // Keep the newest line in view, unless the reader scrolled up to read.
  useEffect(() => {
    const el = box.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [text]);
  const shown = props.live ? text : (props.recorded ?? '');
  return (
    <>
      {props.live && (
        <p class="muted" aria-live="polite" data-follow={state}>
          {state === 'following' ? '▶ following live output' : state === 'reconnecting' ? 'reconnecting…' : 'ended'}
        </p>
      )}
      <pre class="output" ref={box} tabIndex={0} aria-label="Runbook output" data-output>
        {shown || (props.live ? '' : '(no output)')}
      </pre>
    </>
  );
}
