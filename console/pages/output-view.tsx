// A run's output as text, following it live over server-sent events while the run goes on.
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiUrl } from '../api';
import { showControls } from '../format';

type Piece = { text: string; nextOffset: number; omittedBytes: number };

/** What the page holds of a live run's output: its beginning, how much was let go since, and its newest part. */
type Shown = { head: string; dropped: number; tail: string };

// A follower receives every byte a run writes, for as long as it runs: a chatty run left open for hours would fill
// the tab and slow every repaint. The page keeps what the recorded output keeps, about its first quarter and the rest.
const SHOWN_CHARS = 512 * 1024;
const HEAD_CHARS = SHOWN_CHARS / 4;
const NOTHING: Shown = { head: '', dropped: 0, tail: '' };

function appendShown(shown: Shown, more: string): Shown {
  let { head, dropped, tail } = shown;
  const room = tail === '' ? HEAD_CHARS - head.length : 0;
  if (room > 0) {
    head += more.slice(0, room);
    more = more.slice(room);
  }
  tail += more;
  const over = tail.length - (SHOWN_CHARS - HEAD_CHARS);
  if (over > 0) {
    tail = tail.slice(over);
    dropped += over;
  }
  return { head, dropped, tail };
}

function showText(s: Shown): string {
  return s.dropped > 0
    ? `${s.head}\n[… ${s.dropped} characters not shown while following …]\n${s.tail}`
    : s.head + s.tail;
}

/** `live`: follow the stream until its `end` event; otherwise show `recorded`. */
export function OutputView(props: { execId: string; live: boolean; recorded: string | null; onEnd: () => void }) {
  const [output, setOutput] = useState<Shown>(NOTHING);
  const [state, setState] = useState<'following' | 'ended' | 'reconnecting'>('following');
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (!props.live) return;
    setOutput(NOTHING);
    setState('following');
    const source = new EventSource(apiUrl(`logs/${encodeURIComponent(props.execId)}/output`));
    source.addEventListener('output', (event) => {
      const piece = JSON.parse((event as MessageEvent<string>).data) as Piece;
      const gap = piece.omittedBytes > 0 ? `\n[… ${piece.omittedBytes} bytes left out …]\n` : '';
      setOutput((o) => appendShown(o, gap + piece.text));
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
  }, [output]);
  const shown = props.live ? showText(output) : (props.recorded ?? '');
  return (
    <>
      {props.live && (
        <p class="muted" aria-live="polite" data-follow={state}>
          {state === 'following' ? '▶ following live output' : state === 'reconnecting' ? 'reconnecting…' : 'ended'}
        </p>
      )}
      <pre class="output" ref={box} tabIndex={0} aria-label="Runbook output" data-output>
        {showControls(shown) || (props.live ? '' : '(no output)')}
      </pre>
    </>
  );
}
