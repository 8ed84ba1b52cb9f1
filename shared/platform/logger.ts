import { Logger } from '@aws-lambda-powertools/logger';
import { config } from './config';

/** The one structured JSON logger of the process. */
export const logger = new Logger({
  serviceName: 'peerflow',
  logLevel: config().LOG_LEVEL,
});
