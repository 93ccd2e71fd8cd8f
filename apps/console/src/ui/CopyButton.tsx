import { useEffect, useState } from 'react';

type Outcome = 'idle' | 'copied' | 'failed';

/**
 * Copies a value to the clipboard and says so. Where the browser refuses (no permission, not a
 * secure origin) it says that instead, and the value stays on screen to be selected by hand.
 */
export function CopyButton({ value, what }: { value: string; what: string }) {
  const [outcome, setOutcome] = useState<Outcome>('idle');
  useEffect(() => {
    if (outcome === 'idle') return;
    const timer = setTimeout(() => setOutcome('idle'), 4000);
    return () => clearTimeout(timer);
  }, [outcome]);
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  };
  return (
    <span className="copy">
      <button
        type="button"
        className="small"
        aria-label={`Copy ${what}`}
        onClick={() => void copy()}
      >
        Copy
      </button>
      <span role="status" className={outcome === 'failed' ? 'error' : 'notice'}>
        {outcome === 'copied'
          ? 'Copied'
          : outcome === 'failed'
            ? 'The browser refused: select the text and copy it'
            : ''}
      </span>
    </span>
  );
}
