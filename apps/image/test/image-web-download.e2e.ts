import { freePorts, openstackSdk, TestCloud } from '@stratus/testing';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';

/**
 * Interoperable import with web-download, through openstacksdk (openstackclient 6.0 has no
 * import command): the image service fetches the data from a URI the operator's filter allows.
 */
describe('image import with web-download', () => {
  let cloud: TestCloud;
  let origin: Server;
  let port: number;
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const md5 = createHash('md5').update(data).digest('hex');

  beforeAll(async () => {
    [port] = await freePorts(1);
    origin = createServer((request, response) => {
      if (request.url === '/disk.raw') {
        response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        response.end(data);
      } else if (request.url === '/elsewhere') {
        // Off to a port the filter does not allow.
        response.writeHead(302, { Location: 'http://127.0.0.1:1/disk.raw' });
        response.end();
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => origin.listen(port, '127.0.0.1', resolve));
    cloud = await TestCloud.start(['image'], {
      image: { IMAGE_WEB_DOWNLOAD_ALLOWED_PORTS: `80,443,${port}` },
    });
  }, 120_000);

  afterAll(async () => {
    await cloud?.stop();
    await new Promise((resolve) => origin?.close(resolve));
  });

  it('imports from an allowed URI, and refuses or fails the others without keeping anything', async () => {
    const user = await cloud.createProjectUser('web');
    const output = await openstackSdk(
      user,
      `
import os, time
from openstack import connection
conn = connection.Connection(auth_url=os.environ["OS_AUTH_URL"], project_name=os.environ["OS_PROJECT_NAME"], username=os.environ["OS_USERNAME"], password=os.environ["OS_PASSWORD"], user_domain_id="default", project_domain_id="default")

def settle(image, wanted):
    for _ in range(120):
        image = conn.image.get_image(image.id)
        if image.status == wanted:
            return image
        time.sleep(0.25)
    return image

image = conn.image.create_image(name="web", disk_format="raw", container_format="bare")
conn.image.import_image(image, method="web-download", uri="http://127.0.0.1:${port}/disk.raw")
image = settle(image, "active")
print(image.status, image.size, image.checksum)

# The SDK's import_image does not look at the answer, so the refusals are read off its session.
for index, uri in enumerate(["http://127.0.0.1:1/disk.raw", "file:///etc/passwd", "http://169.254.169.254/latest"]):
    other = conn.image.create_image(name="refused-%d" % index, disk_format="raw", container_format="bare")
    answer = conn.image.post("/images/%s/import" % other.id, json={"method": {"name": "web-download", "uri": uri}}, raise_exc=False)
    print("refused", answer.status_code, "pass filtering" in answer.text, conn.image.get_image(other.id).status)

for path in ["/missing", "/elsewhere"]:
    failing = conn.image.create_image(name="failing" + path, disk_format="raw", container_format="bare")
    conn.image.import_image(failing, method="web-download", uri="http://127.0.0.1:${port}" + path)
    time.sleep(1)
    print("failed", settle(failing, "queued").status)
`,
    );
    expect(output.trim().split('\n')).toEqual([
      `active ${data.length} ${md5}`,
      'refused 400 True queued',
      'refused 400 True queued',
      'refused 400 True queued',
      'failed queued',
      'failed queued',
    ]);
  });
});
