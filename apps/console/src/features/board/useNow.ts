import { useEffect, useState } from 'react';

/** The current time, renewed every `everyMs` (for "12 min in step" and the timeline's now line). */
export function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}
