import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { badRequest } from './errors';

/** zod at the edge: the first problem becomes a 400 naming its field; unknown fields are refused by strict schemas. */
export class Zod<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(
    private readonly schema: T,
    private readonly where: 'body' | 'query' = 'body',
  ) {}

  transform(value: unknown): z.infer<T> {
    const parsed = this.schema.safeParse(value ?? (this.where === 'query' ? {} : undefined));
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const keys = (issue as { keys?: string[] }).keys;
    const path = [
      ...issue.path.map(String),
      ...(issue.code === 'unrecognized_keys' && keys ? [keys[0]!] : []),
    ];
    const field = path.join('.') || this.where;
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field "${field}"`
        : `${field}: ${issue.message}`;
    return (() => {
      throw badRequest(message, field);
    })();
  }
}

export const body = <T extends z.ZodType>(schema: T) => new Zod(schema, 'body');
export const query = <T extends z.ZodType>(schema: T) => new Zod(schema, 'query');
