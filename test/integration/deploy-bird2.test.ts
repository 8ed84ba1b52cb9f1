import { deploymentLabSuite } from '../support/deployment-lab';

// A bird2 router in the namespace lab, configured through the API and checked on its own state.
deploymentLabSuite('bird2', { transportCases: true });
