import type { ValueTransformer } from 'typeorm';

/** pg returns NUMERIC as a string to keep precision; coordinates fit a JS number comfortably. */
export const numericTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
