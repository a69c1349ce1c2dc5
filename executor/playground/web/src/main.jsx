// The playground page: GraphiQL on the left, the Trellis panel (plan, cost, subgraphs) on the
// right. The gateway renders index.html with the endpoints as data attributes of #root.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './trellis.css';
import { createFetcher } from './fetcher.js';
import { Panel } from './panel.jsx';

const root = document.getElementById('root');
const endpoint = root.dataset.endpoint || '/graphql';
const statusURL = root.dataset.status || '';
const fetcher = createFetcher(endpoint);

const defaultQuery = `# Run an operation (Ctrl-Enter): its query plan and cost appear on the
# right, beside the subgraphs, their instances and the state of their breakers.
{
  topProducts {
    name
    price
    reviews {
      body
      author {
        username
      }
    }
  }
}
`;

function App() {
  return (
    <div className="trellis">
      <div className="trellis-editor">
        <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />
      </div>
      <Panel statusURL={statusURL} />
    </div>
  );
}

createRoot(root).render(<App />);
