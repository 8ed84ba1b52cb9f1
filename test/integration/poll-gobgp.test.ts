import { pollLabSuite } from '../support/poll-lab';

// A gobgp router in the namespace lab, polled through the API and checked against its own CLI.
pollLabSuite('gobgp');
