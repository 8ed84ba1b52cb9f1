/**
 * What a store throws when the table refused or could not do what was asked: a conditional write
 * that found the data changed, a guard already taken, an item that does not parse. Each keeps what
 * DynamoDB said as its `cause`. Use-cases turn them into domain errors (a conflict, a not found);
 * one that escapes is an internal error, never shown to the caller.
 */
export class StorageError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
  }
}
