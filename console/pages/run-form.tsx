// The run form: one field per declared parameter, a dry run that shows what would run, then the run itself.
import { useState } from 'preact/hooks';
import { postJson } from '../api';
import { ErrorNote, JsonDetails } from '../components';
import { showControls } from '../format';
import { href, navigate } from '../router';
import type { MappingView, ParamView } from '../types';

type Preview = {
  wouldBe: string;
  reasons?: string[];
  params?: Record<string, string>;
  environment?: Record<string, string>;
  concurrency?: { now: string; running: unknown[]; waiting: number } | null;
  nextScheduled?: string[];
};

export function RunForm({ m, mayRun }: { m: MappingView; mayRun: boolean }) {
  const [values, setValues] = useState<Record<string, string>>(() => initialValues(m.params));
  const [preview, setPreview] = useState<Preview | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  // One key per filled-in form: a retried click runs once.
  const [attempt, setAttempt] = useState(() => crypto.randomUUID());
  const path = (dry: boolean) =>
    `runs/${encodeURIComponent(m.mapping.partition_key)}?id=${encodeURIComponent(m.mapping.id)}${dry ? '&dry_run=true' : ''}`;
  const act = async (dry: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = { params: toParams(m.params, values) };
      if (dry) setPreview(await postJson<Preview>(path(true), body));
      else {
        const run = await postJson<{ execId: string }>(path(false), body, { 'Idempotency-Key': attempt });
        navigate(href.run(run.execId));
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const change = (name: string, value: string) => {
    setValues({ ...values, [name]: value });
    setPreview(undefined);
    setAttempt(crypto.randomUUID());
  };
  return (
    <form class="run-form" aria-label="Run" onSubmit={(e) => (e.preventDefault(), void act(false))}>
      {m.params.length === 0 && <p class="muted">This runbook takes no parameters.</p>}
      {m.params.map((p) => (
        <ParamField key={p.name} p={p} value={values[p.name] ?? ''} onChange={(v) => change(p.name, v)} />
      ))}
      <ErrorNote error={error} />
      <div class="actions">
        <button type="button" onClick={() => void act(true)} disabled={busy}>
          Dry run
        </button>
        {mayRun && (
          <button type="submit" class="primary" disabled={busy}>
            Run
          </button>
        )}
      </div>
      {preview && <PreviewView preview={preview} />}
    </form>
  );
}

function ParamField({ p, value, onChange }: { p: ParamView; value: string; onChange: (v: string) => void }) {
  const label = `${p.name}${p.required ? ' (required)' : ''}`;
  const common = { name: p.name, required: p.required, value, 'aria-describedby': `help-${p.name}` };
  const input =
    p.type === 'enum' || p.type === 'boolean' ? (
      <select {...common} onChange={(e) => onChange(e.currentTarget.value)}>
        {!p.required && <option value="">(default{p.default === undefined ? '' : `: ${String(p.default)}`})</option>}
        {(p.type === 'boolean' ? ['true', 'false'] : (p.enum ?? [])).map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    ) : (
      <input
        {...common}
        type={p.secret ? 'password' : p.type === 'integer' ? 'number' : 'text'}
        autoComplete={p.secret ? 'off' : undefined}
        min={p.min}
        max={p.max}
        placeholder={p.default === undefined ? '' : String(p.default)}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
    );
  return (
    <label class="param">
      <span>{label}</span>
      {input}
      <small id={`help-${p.name}`} class="muted">
        {showControls(
          [p.description, p.secret ? 'secret: never stored or shown' : '', p.pattern ? `pattern ${p.pattern}` : '']
            .filter(Boolean)
            .join(' · '),
        )}
      </small>
    </label>
  );
}

function PreviewView({ preview }: { preview: Preview }) {
  return (
    <div class="preview" aria-live="polite" data-preview={preview.wouldBe}>
      <h3>Dry run: would be {preview.wouldBe.replace('_', ' ')}</h3>
      {preview.reasons && preview.reasons.length > 0 && (
        <ul>
          {preview.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {preview.concurrency && <p>Concurrency: a run now {preview.concurrency.now}.</p>}
      {preview.params && <JsonDetails summary="Parameters" value={preview.params} open />}
      {preview.environment && <JsonDetails summary="Environment the runbook would get" value={preview.environment} />}
    </div>
  );
}

function initialValues(params: readonly ParamView[]): Record<string, string> {
  return Object.fromEntries(params.map((p) => [p.name, firstChoice(p)]));
}

// A required choice starts on its first value, as its select shows it; an optional one on "(default)".
function firstChoice(p: ParamView): string {
  if (!p.required) return '';
  if (p.type === 'enum') return p.enum?.[0] ?? '';
  return p.type === 'boolean' ? 'true' : '';
}

/** Only what was filled in: the mapping's defaults fill the rest on the server. */
function toParams(params: readonly ParamView[], values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    params.filter((p) => (values[p.name] ?? '') !== '').map((p) => [p.name, values[p.name] ?? '']),
  );
}
