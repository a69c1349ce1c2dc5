// The fetcher GraphiQL sends operations through: a POST to the gateway that asks for the query
// plan (the gateway adds it in dev mode only), and that keeps the plan and cost of the last
// operation the user ran for the panel. GraphiQL's own introspection does not count as a run.

export const HEADER_INCLUDE_PLAN = 'Trellis-Include-Query-Plan';

// GraphiQL's default name for its introspection operation.
const INTROSPECTION = 'IntrospectionQuery';

let last = null;
const listeners = new Set();

// lastRun is the last operation run: {operationName, plan, cost, errors, ms, at}, or null.
export function lastRun() {
  return last;
}

// subscribe calls fn after every run; it returns the unsubscribe function
// (the contract of React's useSyncExternalStore).
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function publish(run) {
  last = run;
  for (const fn of listeners) fn();
}

export function createFetcher(endpoint) {
  return async function trellisFetcher(params, opts = {}) {
    const started = performance.now();
    const report = (body) => {
      if (params.operationName === INTROSPECTION) return;
      const ext = (body && body.extensions) || {};
      publish({
        operationName: params.operationName || null,
        plan: ext.queryPlan && typeof ext.queryPlan.text === 'string' ? ext.queryPlan.text : null,
        cost: ext.cost && typeof ext.cost === 'object' ? ext.cost : null,
        errors: body && Array.isArray(body.errors) ? body.errors.length : 0,
        ms: Math.round(performance.now() - started),
        at: new Date(),
      });
    };
    let res;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/graphql-response+json, application/json',
          [HEADER_INCLUDE_PLAN]: 'true',
          ...(opts.headers || {}),
        },
        body: JSON.stringify(params),
      });
    } catch (err) {
      report({ errors: [err] });
      throw err;
    }
    const text = await res.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 500)}` }] };
    }
    report(body);
    return body;
  };
}
