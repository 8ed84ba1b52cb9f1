import { deploymentLabSuite } from '../support/deployment-lab';

// A openbgpd router in the namespace lab, configured through the API and checked on its own state.
deploymentLabSuite('openbgpd');
