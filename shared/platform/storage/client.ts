import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { awsRequestTimeouts } from '../aws-timeouts';

let documentClient: DynamoDBDocumentClient | undefined;
let baseClient: DynamoDBClient | undefined;

/** The one DocumentClient of the process, created on first use and kept for the warm container. */
export function ddb(): DynamoDBDocumentClient {
  if (!documentClient) {
    const { DDB_ENDPOINT, AWS_REGION } = config();
    const client = new DynamoDBClient({
      region: AWS_REGION,
      ...(DDB_ENDPOINT
        ? { endpoint: DDB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      maxAttempts: 5,
      requestHandler: awsRequestTimeouts(),
    });
    baseClient = client;
    documentClient = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
      unmarshallOptions: { wrapNumbers: false },
    });
  }
  return documentClient;
}

/** The plain client under `ddb()`, for a library that marshals its own items (Powertools idempotency). */
export function ddbClient(): DynamoDBClient {
  ddb();
  return baseClient as DynamoDBClient;
}

export function tableName(): string {
  return config().TABLE_NAME;
}

/** Local runtime and tests only: drop the client after the endpoint changed. */
export function resetDdb(): void {
  documentClient?.destroy();
  documentClient = undefined;
  baseClient = undefined;
}
