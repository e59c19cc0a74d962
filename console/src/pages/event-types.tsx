/** The event catalog: every event type a subscription can select, with its data schema and an example. */
import { get } from '../api';
import { useLoad } from '../ui/hooks';
import { JsonViewer } from '../ui/json-viewer';
import { Async, Badge, Empty, Page, Panel } from '../ui/page';

export function EventTypesPage() {
  const types = useLoad(() => get('listEventTypes'), []);
  return (
    <Page title="Event types">
      <p class="muted">
        The events a subscription can select (a pattern such as <code>order.*</code> selects several). A type with a schema is checked when it is published, so its data always has that shape.
      </p>
      <Async state={types} label="the event types">
        {(t) =>
          t.items.length === 0 ? (
            <Empty>No event types yet.</Empty>
          ) : (
            t.items.map((x, i) => (
              <Panel key={x.type} id={`type-${i}`} title={x.type} actions={<Badge status={x.source === 'registered' ? 'enabled' : 'info'} label={x.source} />}>
                <p>{x.description || <span class="muted">No description.</span>}</p>
                <h3>Schema of data</h3>
                {x.schema ? <JsonViewer value={x.schema} label={`Schema of ${x.type}`} openDepth={3} /> : <p class="muted">No schema: any data is accepted.</p>}
                {x.example !== undefined && (
                  <>
                    <h3>Example</h3>
                    <JsonViewer value={x.example} label={`Example of ${x.type}`} openDepth={3} />
                  </>
                )}
              </Panel>
            ))
          )
        }
      </Async>
    </Page>
  );
}
