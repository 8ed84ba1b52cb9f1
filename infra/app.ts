import { App } from 'aws-cdk-lib';
import { buildPeerflow } from './build';
import { ContextError } from './context';

const app = new App();
try {
  buildPeerflow(app);
} catch (err) {
  if (!(err instanceof ContextError)) throw err;
  console.error(`peerflow: ${err.message}`);
  process.exit(1);
}
app.synth();
