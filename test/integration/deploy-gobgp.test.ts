import { deploymentLabSuite } from '../support/deployment-lab';

// A gobgp router in the namespace lab, configured through the API and checked on its own state.
deploymentLabSuite('gobgp');
