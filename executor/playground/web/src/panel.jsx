// The panel beside the editor: the plan and cost of the last operation run, and the subgraphs
// with their instances and breaker states from GET /trellis/status, polled every few seconds.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { lastRun, subscribe } from './fetcher.js';

const STATUS_EVERY_MS = 3000;

export function Panel({ statusURL }) {
  const run = useSyncExternalStore(subscribe, lastRun);
  return (
    <aside className="graphiql-container trellis-panel" aria-label="Trellis">
      <Section id="trellis-plan" title="Query plan" aside={run && <RunSummary run={run} />}>
        <Plan run={run} />
      </Section>
      <Section id="trellis-cost" title="Cost">
        <Cost run={run} />
      </Section>
      {statusURL && (
        <Section id="trellis-subgraphs" title="Subgraphs">
          <Subgraphs url={statusURL} />
        </Section>
      )}
    </aside>
  );
}

function Section({ id, title, aside, children }) {
  return (
    <section id={id} className="trellis-section">
      <h2>
        {title}
        {aside && <span className="trellis-aside">{aside}</span>}
      </h2>
      {children}
    </section>
  );
}

function RunSummary({ run }) {
  const name = run.operationName || 'anonymous';
  const errors = run.errors ? `, ${run.errors} error${run.errors > 1 ? 's' : ''}` : '';
  return `${name} · ${run.ms} ms${errors}`;
}

function Plan({ run }) {
  if (!run) return <p className="trellis-hint">Run an operation to see its query plan.</p>;
  if (run.plan === null) {
    return (
      <p className="trellis-hint">
        The response carries no plan: the operation failed before planning, or the gateway is not
        in --dev mode.
      </p>
    );
  }
  return <pre className="trellis-plan-text">{run.plan}</pre>;
}

function Cost({ run }) {
  if (!run) return <p className="trellis-hint">Run an operation to see its cost.</p>;
  if (run.cost === null) {
    return (
      <p className="trellis-hint">
        Cost analysis is off (<code>cost.mode</code> in trellis.yaml).
      </p>
    );
  }
  return (
    <dl className="trellis-cost-figures">
      <dt>estimated</dt>
      <dd data-cost="estimated">{figure(run.cost.estimated)}</dd>
      <dt>actual</dt>
      <dd data-cost="actual">{figure(run.cost.actual)}</dd>
    </dl>
  );
}

function figure(n) {
  return typeof n === 'number' ? n.toLocaleString('en-US') : '—';
}

// useStatus polls url every `every` ms while the page is visible.
function useStatus(url, every) {
  const [state, setState] = useState({ data: null, error: null });
  useEffect(() => {
    let stopped = false;
    let timer;
    const ctrl = new AbortController();
    async function tick() {
      if (!document.hidden) {
        try {
          const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', signal: ctrl.signal });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const data = await res.json();
          if (!stopped) setState({ data, error: null });
        } catch (err) {
          if (!stopped) setState((s) => ({ data: s.data, error: err.message }));
        }
      }
      if (!stopped) timer = setTimeout(tick, every);
    }
    tick();
    return () => {
      stopped = true;
      ctrl.abort();
      clearTimeout(timer);
    };
  }, [url, every]);
  return state;
}

function Subgraphs({ url }) {
  const { data, error } = useStatus(url, STATUS_EVERY_MS);
  return (
    <>
      {error && <p className="trellis-error">Status unavailable: {error}</p>}
      {!data && !error && <p className="trellis-hint">Loading…</p>}
      {data && (
        <ul className="trellis-subgraph-list">
          {(data.subgraphs || []).map((sg) => (
            <li key={sg.name} className="trellis-subgraph" data-subgraph={sg.name}>
              <div className="trellis-subgraph-name">{sg.name}</div>
              {sg.instances && sg.instances.length > 0 ? (
                <ul className="trellis-instances">
                  {sg.instances.map((in_) => (
                    <Instance key={in_.url} in_={in_} />
                  ))}
                </ul>
              ) : (
                <div className="trellis-routing-url" title="routing URL (no mesh: no instances to list)">
                  {sg.routingUrl}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Instance({ in_ }) {
  const details = [
    in_.zone && `zone ${in_.zone}`,
    in_.weight && `weight ${in_.weight}`,
    `${in_.latencyMs.toFixed(1)} ms`,
    `${in_.inFlight} in flight`,
    in_.ejectedUntil && `ejected until ${new Date(in_.ejectedUntil).toLocaleTimeString()}`,
  ].filter(Boolean);
  return (
    <li className="trellis-instance">
      <span className={`trellis-breaker trellis-breaker-${in_.breaker}`} title={`breaker ${in_.breaker}`}>
        {in_.breaker}
      </span>
      <span className="trellis-instance-name" title={in_.url}>
        {in_.node || in_.url}
      </span>
      <span className="trellis-instance-details">{details.join(' · ')}</span>
    </li>
  );
}
