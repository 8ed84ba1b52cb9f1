import type { TestProject } from 'vitest/node';
import { freePort, type RunningEngine, startDynamoLocal, startLocalSes } from '../../local/engines';

/** One DynamoDB Local (in memory) and one local SES for the whole run; each test file gets its own table. */
let engines: RunningEngine[] = [];

export async function setup(project: TestProject) {
  const [ddbPort, sesPort] = [await freePort(), await freePort()];
  const [dynamo, ses] = await Promise.all([
    startDynamoLocal({ port: ddbPort }),
    startLocalSes({ port: sesPort }),
  ]);
  engines = [dynamo, ses];
  project.provide('ddbEndpoint', dynamo.endpoint);
  project.provide('sesEndpoint', ses.endpoint);
}

export async function teardown() {
  await Promise.allSettled(engines.map((e) => e.stop()));
}

declare module 'vitest' {
  export interface ProvidedContext {
    ddbEndpoint: string;
    sesEndpoint: string;
  }
}
