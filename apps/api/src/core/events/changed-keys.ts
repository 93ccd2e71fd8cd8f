/** The names of the fields a change sets (the keys of a PATCH body that are not undefined). */
export function changedKeys(changes: object): string[] {
  return Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
}
