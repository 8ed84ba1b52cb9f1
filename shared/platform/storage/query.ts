import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client';
import { decodeCursor, encodeCursor, type Page } from './pagination';

export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>;

/**
 * One page of a Query for a list answer. The cursor handed back in must belong to `partition`, so a
 * caller cannot steer the Query into another partition by editing it.
 */
export async function queryPage<T>(
  input: QueryInput,
  page: { limit: number; cursor?: string | undefined },
  partition: { attribute: string; value: string },
  parse: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      ...input,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, partition),
    }),
  );
  return { data: (out.Items ?? []).map(parse), next_cursor: encodeCursor(out.LastEvaluatedKey) };
}

/** Every page of a Query, one response at a time, so a long read need not hold all of it at once. */
export async function* queryPages(input: QueryInput): AsyncGenerator<QueryCommandOutput> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb().send(
      new QueryCommand({ TableName: tableName(), ...input, ExclusiveStartKey: start }),
    );
    yield out;
    start = out.LastEvaluatedKey;
  } while (start);
}

export async function queryAll(input: QueryInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const out of queryPages(input)) items.push(...(out.Items ?? []));
  return items;
}

/** How many items match, filter applied, without reading them. */
export async function queryCount(input: Omit<QueryInput, 'Select'>): Promise<number> {
  let count = 0;
  for await (const out of queryPages({ ...input, Select: 'COUNT' })) count += out.Count ?? 0;
  return count;
}
