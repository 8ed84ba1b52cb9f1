import { pollLabSuite } from '../support/poll-lab';

// An openbgpd router in the namespace lab, polled through the API and checked against its own CLI.
pollLabSuite('openbgpd');
