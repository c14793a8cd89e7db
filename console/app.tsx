// The console's frame: who is signed in, the navigation, and the page for the current address.
import { getJson } from './api';
import { ErrorNote, Loading, useAsync } from './components';
import { href, useRoute, type Route } from './router';
import { NOBODY, SessionContext } from './session';
import type { Me } from './types';
import { OverviewPage } from './pages/overview';
import { MappingsPage } from './pages/mappings';
import { MappingPage } from './pages/mapping';
import { ExecutionsPage } from './pages/executions';
import { ExecutionPage } from './pages/execution';
import { ApprovalsPage } from './pages/approvals';
import { UnmatchedPage } from './pages/unmatched';

const NAV: readonly [Route['page'], string, string][] = [
  ['overview', 'Overview', href.overview()],
  ['mappings', 'Mappings', href.mappings()],
  ['runs', 'Executions', href.runs()],
  ['approvals', 'Approvals', href.approvals()],
  ['unmatched', 'Unmatched alerts', href.unmatched()],
];

export function App() {
  const me = useAsync((signal) => getJson<Me>('me', signal), []);
  const route = useRoute();
  const current = route.page === 'mapping' ? 'mappings' : route.page === 'run' ? 'runs' : route.page;
  return (
    <SessionContext.Provider value={me.data ?? NOBODY}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href.overview()}>
          ClouDO
        </a>
        <nav aria-label="Pages">
          {NAV.map(([page, label, to]) => (
            <a key={page} href={to} aria-current={current === page ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        {me.data && (
          <span class="who" title={me.data.roles.join(', ') || 'no role'}>
            {me.data.name} <span class="muted">({me.data.roles.join(', ') || me.data.kind})</span>
          </span>
        )}
      </header>
      <main id="main">
        {me.error ? <ErrorNote error={me.error} /> : me.data ? <Page route={route} /> : <Loading what="your session" />}
      </main>
    </SessionContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'mappings':
      return <MappingsPage />;
    case 'mapping':
      return <MappingPage partition={route.partition} id={route.id} />;
    case 'runs':
      return <ExecutionsPage filter={route.filter} />;
    case 'run':
      return <ExecutionPage execId={route.execId} />;
    case 'approvals':
      return <ApprovalsPage />;
    case 'unmatched':
      return <UnmatchedPage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            Nothing at <code>{route.path}</code>. <a href={href.overview()}>Back to the overview</a>.
          </p>
        </section>
      );
  }
}
