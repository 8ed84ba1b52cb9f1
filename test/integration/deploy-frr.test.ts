import { deploymentLabSuite } from '../support/deployment-lab';

// A frr router in the namespace lab, configured through the API and checked on its own state.
deploymentLabSuite('frr');
