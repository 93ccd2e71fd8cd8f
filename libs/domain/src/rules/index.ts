export * from './dispatch-lifecycle';
export * from './qualification-rules';
export * from './queue-blockers';
export * from './queue-order';
export * from './fitness';
export * from './audit-chain';
export * from './booking-sql';
