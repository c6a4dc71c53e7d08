import { refusal, webDownloadFilter } from './web-download-filter';

const glanceDefaults = webDownloadFilter({
  IMAGE_WEB_DOWNLOAD_ALLOWED_SCHEMES: 'http,https',
  IMAGE_WEB_DOWNLOAD_ALLOWED_PORTS: '80,443',
  IMAGE_WEB_DOWNLOAD_DISALLOWED_HOSTS: '169.254.169.254, metadata.internal',
});

describe('web-download URI filter', () => {
  it('lets http and https on their usual ports through', () => {
    expect(refusal('https://cloud-images.example.org/debian.qcow2', glanceDefaults)).toBeNull();
    expect(refusal('http://mirror.example.org:80/a.img', glanceDefaults)).toBeNull();
  });

  it('refuses other schemes, ports, credentials, disallowed hosts and non-URIs', () => {
    expect(refusal('file:///etc/passwd', glanceDefaults)).toBe('scheme file is not allowed');
    expect(refusal('ftp://example.org/a.img', glanceDefaults)).toBe('scheme ftp is not allowed');
    expect(refusal('http://example.org:8080/a.img', glanceDefaults)).toBe('port 8080 is not allowed');
    expect(refusal('https://user:pw@example.org/a.img', glanceDefaults)).toBe(
      'credentials in the URI are not allowed',
    );
    expect(refusal('http://169.254.169.254/latest', glanceDefaults)).toBe(
      'host 169.254.169.254 is not allowed',
    );
    expect(refusal('http://METADATA.internal/x', glanceDefaults)).toBe(
      'host metadata.internal is not allowed',
    );
    expect(refusal('not a uri', glanceDefaults)).toBe('it is not a URI');
  });
});
