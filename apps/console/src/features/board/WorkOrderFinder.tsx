import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getWorkOrdersListQueryOptions } from '@dispatch/api-client';
import { type RefObject, useState } from 'react';
import { useDebouncedValue } from '../../ui/useDebouncedValue';
import { WorkOrderLink } from './WorkOrderLink';
import { problemText } from './problem-text';

const SHOWN = 8;

/**
 * The latest work orders, or those matching a number or title, each a link to its page; the board's
 * `/` shortcut focuses its search through `inputRef`.
 */
export function WorkOrderFinder({ inputRef }: { inputRef?: RefObject<HTMLInputElement | null> }) {
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim());
  const orders = useQuery({
    ...getWorkOrdersListQueryOptions({ limit: SHOWN, ...(q ? { q } : {}) }),
    placeholderData: keepPreviousData,
  });
  return (
    <section className="panel finder-panel" aria-labelledby="orders-title">
      <h2 id="orders-title">Work orders</h2>
      <label className="finder">
        <span className="visually-hidden">Find a work order</span>
        <input
          ref={inputRef}
          type="search"
          name="findWorkOrder"
          placeholder="Number or title (press /)"
          value={search}
          maxLength={200}
          onChange={(event) => setSearch(event.target.value)}
        />
      </label>
      {orders.isPending ? (
        <p className="muted">Loading…</p>
      ) : orders.isError ? (
        <p className="error">Work orders could not be loaded: {problemText(orders.error)}</p>
      ) : orders.data.items.length === 0 ? (
        <p className="muted">{q ? 'No work order matches.' : 'No work orders yet.'}</p>
      ) : (
        <ul className="orders" data-testid="work-orders">
          {orders.data.items.map((order) => (
            <li key={order.id}>
              <WorkOrderLink workOrderId={order.id}>{order.number}</WorkOrderLink> {order.title}{' '}
              <span className={`badge badge--${order.status}`}>{order.status}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
