export interface CachedReadingOptions<T> {
  /** A reading (successful or not) is reused for this long: frequent scrapes cost one read. */
  maxAgeMilliseconds: number;
  /** What is served before the first successful read. */
  initial: T;
  /** The first failure after a success (or at start): logged once, not on every scrape. */
  onFailure: (error: unknown) => void;
  /** The first success after a failure. */
  onRecovery: () => void;
  now?: () => number;
}

/**
 * A value read from somewhere slow or fallible (the database) at most once per
 * `maxAgeMilliseconds`, however many callers ask: concurrent callers share the read in progress.
 * A failed read never fails a caller: the last good value stays, and reading is tried again once
 * the failed attempt is as old as a good one would be.
 */
export class CachedReading<T> {
  private value: T;
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<T> | undefined;
  private failing = false;
  private readonly now: () => number;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly options: CachedReadingOptions<T>,
  ) {
    this.value = options.initial;
    this.now = options.now ?? Date.now;
  }

  get(): Promise<T> {
    if (this.now() - this.readAt < this.options.maxAgeMilliseconds)
      return Promise.resolve(this.value);
    this.reading ??= this.refresh().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async refresh(): Promise<T> {
    try {
      this.value = await this.read();
      if (this.failing) this.options.onRecovery();
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.options.onFailure(error);
      this.failing = true;
    }
    this.readAt = this.now();
    return this.value;
  }
}
