/** DevStack's standard flavors, plus the tiny one the test image boots in. */
const STANDARD_FLAVORS = [
  { id: '1', name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 },
  { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
  { id: '3', name: 'm1.medium', vcpus: 2, ram: 4096, disk: 40 },
  { id: '4', name: 'm1.large', vcpus: 4, ram: 8192, disk: 80 },
  { id: '5', name: 'm1.xlarge', vcpus: 8, ram: 16384, disk: 160 },
  { id: '42', name: 'm1.nano', vcpus: 1, ram: 256, disk: 1 },
];

/** Creates the standard public flavors that are missing, as the admin. */
export async function seedFlavors(computeUrl: string, adminToken: string): Promise<string> {
  const headers = { 'Content-Type': 'application/json', 'X-Auth-Token': adminToken };
  const listed = await fetch(`${computeUrl}/v2.1/flavors`, { headers });
  if (listed.status !== 200) throw new Error(`GET /v2.1/flavors: ${listed.status} ${await listed.text()}`);
  const existing = new Set(
    ((await listed.json()) as { flavors: { name: string }[] }).flavors.map((f) => f.name),
  );
  const missing = STANDARD_FLAVORS.filter((f) => !existing.has(f.name));
  for (const flavor of missing) {
    const created = await fetch(`${computeUrl}/v2.1/flavors`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ flavor }),
    });
    if (created.status !== 200)
      throw new Error(`POST /v2.1/flavors: ${created.status} ${await created.text()}`);
  }
  return `flavors: ${STANDARD_FLAVORS.map((f) => f.name).join(', ')}`;
}
