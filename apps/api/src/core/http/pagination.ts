import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

export const MAX_PAGE_SIZE = 200;

/** `?limit=&offset=` of every list endpoint. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

/** A list's `?sort=`: one of its fields, ascending, or the field after a `-`, descending. */
export type SortOf<Field extends string> = Field | `-${Field}`;

/** The orders a list can be asked for: its sortable fields, and the one it is in when not asked. */
export interface ListSorting<Field extends string> {
  fields: readonly Field[];
  default: SortOf<Field>;
}

/** Declares a list's sorting once, for its query DTO (`SortParam`) and its service (`orderBySort`). */
export function listSorting<const Field extends string>(
  fields: readonly Field[],
  defaultSort: SortOf<NoInfer<Field>>,
): ListSorting<Field> {
  return { fields, default: defaultSort };
}

/** Every value `?sort=` takes over `fields`: each field, then each with a leading `-`. */
export function sortValues<Field extends string>(fields: readonly Field[]): SortOf<Field>[] {
  return [...fields, ...fields.map((field): SortOf<Field> => `-${field}`)];
}

/** The `?sort=` of a list: one of its fields (`-` before it orders it descending), or its default. */
export function SortParam<Field extends string>(sorting: ListSorting<Field>): PropertyDecorator {
  const values = sortValues(sorting.fields);
  return applyDecorators(
    ApiPropertyOptional({
      enum: values,
      default: sorting.default,
      description:
        'The field the list is ordered by, ascending; a leading `-` orders it descending. Rows that tie keep one order from page to page.',
    }),
    IsOptional(),
    IsIn(values),
  );
}

/**
 * Orders `builder` by the `sort` asked for, or by the list's default (`sorting`); `columns` names
 * each field's column (`alias.property`). Then by `tieBreaker`, so that rows equal on the field
 * keep one order across pages.
 */
export function orderBySort<Entity extends ObjectLiteral, Field extends string>(
  builder: SelectQueryBuilder<Entity>,
  sort: SortOf<Field> | undefined,
  sorting: ListSorting<Field>,
  columns: Record<Field, string>,
  tieBreaker: string,
): SelectQueryBuilder<Entity> {
  const order = sort ?? sorting.default;
  const descending = order.startsWith('-');
  const field = (descending ? order.slice(1) : order) as Field;
  const direction = descending ? 'DESC' : 'ASC';
  // Empty values last either way: a column sorted to find its values should show them first.
  builder.orderBy(columns[field], direction, 'NULLS LAST');
  if (columns[field] !== tieBreaker) builder.addOrderBy(tieBreaker, 'ASC');
  return builder;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function pageWindow(query: PageQuery): { limit: number; offset: number } {
  return { limit: query.limit ?? 50, offset: query.offset ?? 0 };
}

/** The OpenAPI shape of a page of `item`: `{ items, total, limit, offset }`. */
export function PageOf<T>(item: ClassType<T>): ClassType<Page<T>> {
  class PageDto implements Page<T> {
    @ApiProperty({ type: item, isArray: true })
    items: T[];

    @ApiProperty({ description: 'Number of matching records over all pages' })
    total: number;

    @ApiProperty()
    limit: number;

    @ApiProperty()
    offset: number;
  }
  Object.defineProperty(PageDto, 'name', { value: `${item.name.replace(/View$/, '')}Page` });
  return PageDto;
}
