import { pollLabSuite } from '../support/poll-lab';

// A frr router in the namespace lab, polled through the API and checked against its own CLI.
pollLabSuite('frr');
