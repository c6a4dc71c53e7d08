import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { badRequest, conflict, isUniqueViolation, notFound } from '@stratus/platform';
import { Repository } from 'typeorm';
import { QuotasService } from '../quotas/quotas.service';
import { KeypairEntity, KeypairType } from './keypair.entity';
import { generateSshKeyPair, sshFingerprint } from './ssh-key';
import { generateX509KeyPair, x509Fingerprint } from './x509-certificate';

const SAFE_NAME = /^[A-Za-z0-9 _-]+$/;

@Injectable()
export class KeypairsService {
  constructor(
    @InjectRepository(KeypairEntity) private readonly keypairs: Repository<KeypairEntity>,
    private readonly quotas: QuotasService,
  ) {}

  list(userId: string): Promise<KeypairEntity[]> {
    return this.keypairs.find({ where: { userId }, order: { name: 'ASC' } });
  }

  async get(userId: string, name: string): Promise<KeypairEntity> {
    const keypair = await this.keypairs.findOneBy({ userId, name });
    if (!keypair) throw notFound(`Keypair ${name} not found for user ${userId}`, 'KeypairNotFound');
    return keypair;
  }

  /** Imports `publicKey`, or generates a pair and returns its private half once. */
  async create(input: {
    projectId: string;
    userId: string;
    name: string;
    type: KeypairType;
    publicKey?: string;
  }): Promise<{ keypair: KeypairEntity; privateKey?: string }> {
    if (!SAFE_NAME.test(input.name)) {
      throw badRequest('Keypair data is invalid: Keypair name contains unsafe characters');
    }
    await this.quotas.checkKeypairs(input.projectId, input.userId);
    let material: { publicKey: string; fingerprint: string; privateKey?: string };
    if (input.publicKey !== undefined) {
      const fingerprint =
        input.type === 'x509' ? x509Fingerprint(input.publicKey) : sshFingerprint(input.publicKey);
      if (!fingerprint) throw badRequest('Keypair data is invalid: failed to generate fingerprint');
      material = { publicKey: input.publicKey, fingerprint };
    } else {
      material = input.type === 'x509' ? generateX509KeyPair(input.userId) : generateSshKeyPair();
    }
    if (await this.keypairs.existsBy({ userId: input.userId, name: input.name })) {
      throw conflict(`Key pair '${input.name}' already exists.`, 'KeyPairExists');
    }
    try {
      const keypair = await this.keypairs.save(
        this.keypairs.create({
          userId: input.userId,
          name: input.name,
          type: input.type,
          fingerprint: material.fingerprint,
          publicKey: material.publicKey,
          createdAt: new Date(),
        }),
      );
      return { keypair, privateKey: material.privateKey };
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(`Key pair '${input.name}' already exists.`, 'KeyPairExists');
      throw error;
    }
  }

  async delete(userId: string, name: string): Promise<void> {
    const removed = await this.keypairs.delete({ userId, name });
    if (!removed.affected) throw notFound(`Keypair ${name} not found for user ${userId}`, 'KeypairNotFound');
  }
}
