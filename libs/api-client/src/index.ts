export * from './download';
export * from './fetcher';
export * from './generated/dispatch';
export * from './generated/model';
