/** One sample line of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function numberOf(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** The samples of a scrape (comments and HELP/TYPE lines skipped), for tests to query. */
export class Scrape {
  readonly samples: Sample[];

  constructor(readonly text: string) {
    this.samples = text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const match = SAMPLE_LINE.exec(line);
        if (!match) throw new Error(`Not a Prometheus sample line: ${line}`);
        const labels = Object.fromEntries(
          [...(match[2] ?? '').matchAll(LABEL_PAIR)].map(([, key, value]) => [key, value]),
        );
        return { name: match[1], labels, value: numberOf(match[3]) };
      });
  }

  /** Samples named `name` carrying at least the given labels. */
  matching(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
  }

  /** The sum of the matching samples' values (0 when there are none). */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((total, sample) => total + sample.value, 0);
  }

  /** The value of the one matching sample, or undefined. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const found = this.matching(name, labels);
    if (found.length > 1) throw new Error(`${found.length} samples of ${name} match`);
    return found[0]?.value;
  }

  /** Every value one label takes across the samples of `name`. */
  labelValues(name: string, label: string): string[] {
    return [...new Set(this.matching(name).map((sample) => sample.labels[label]))];
  }
}
