/**
 * Demo data for `npm start`. Filled in by the PeeringDB work: a generated, PeeringDB-shaped data set
 * synced through the same code as a real sync.
 */
export async function seedDemoData(): Promise<string> {
  return 'none yet';
}
