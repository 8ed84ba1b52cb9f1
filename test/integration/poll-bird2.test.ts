import { pollLabSuite } from '../support/poll-lab';

// A bird2 router in the namespace lab, polled through the API and checked against its own CLI.
pollLabSuite('bird2');
