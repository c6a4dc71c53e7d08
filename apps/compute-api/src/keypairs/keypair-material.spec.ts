import { createPublicKey, X509Certificate } from 'node:crypto';
import { generateSshKeyPair, sshFingerprint } from './ssh-key';
import { generateX509KeyPair, x509Fingerprint } from './x509-certificate';

describe('key pair material', () => {
  it('fingerprints an OpenSSH key as the MD5 of its blob', () => {
    // `ssh-keygen -l -E md5` prints MD5:a9:69:70:4b:3b:33:42:58:c0:8d:a5:06:be:d5:62:3c for this key.
    const key =
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcLS3FXZm0bUukj31raPqDQnbY+E10wInCGnBDWL20s test@example';
    expect(sshFingerprint(key)).toBe('a9:69:70:4b:3b:33:42:58:c0:8d:a5:06:be:d5:62:3c');
    expect(sshFingerprint(key)).toBe(sshFingerprint(key.replace(' test@example', '')));
  });

  it('refuses what is not an OpenSSH public key', () => {
    expect(sshFingerprint('')).toBeNull();
    expect(sshFingerprint('ssh-rsa not-base64!')).toBeNull();
    expect(
      sshFingerprint('ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'),
    ).toBeNull();
    expect(sshFingerprint('foo AAAA')).toBeNull();
  });

  it('generates an RSA key whose OpenSSH public half matches the private key', () => {
    const pair = generateSshKeyPair();
    expect(pair.privateKey).toContain('BEGIN RSA PRIVATE KEY');
    expect(pair.publicKey).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ Generated-by-Nova$/);
    expect(pair.fingerprint).toBe(sshFingerprint(pair.publicKey));
    const blob = Buffer.from(pair.publicKey.split(' ')[1], 'base64');
    const modulusLength = blob.readUInt32BE(4 + 7 + 4 + blob.readUInt32BE(11));
    expect(modulusLength).toBe(257);
  });

  it('generates a self-signed client certificate that verifies with its own key', () => {
    const pair = generateX509KeyPair('user-1');
    const certificate = new X509Certificate(pair.publicKey);
    expect(certificate.subject).toBe('CN=user-1');
    expect(certificate.verify(createPublicKey(pair.privateKey))).toBe(true);
    expect(certificate.keyUsage).toContain('1.3.6.1.5.5.7.3.2');
    expect(pair.fingerprint).toBe(certificate.fingerprint.toLowerCase());
    expect(x509Fingerprint('not a certificate')).toBeNull();
  });
});
