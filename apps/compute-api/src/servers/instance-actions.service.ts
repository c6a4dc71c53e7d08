import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { InstanceActionEntity, InstanceActionEventEntity } from './instance.entity';

export interface ActionStart {
  instanceUuid: string;
  action: string;
  requestId: string;
  projectId: string;
  userId: string;
}

/** The os-instance-actions record: what was asked of a server, and how each step went. */
@Injectable()
export class InstanceActionsService {
  constructor(
    @InjectRepository(InstanceActionEntity) private readonly actions: Repository<InstanceActionEntity>,
    @InjectRepository(InstanceActionEventEntity)
    private readonly events: Repository<InstanceActionEventEntity>,
  ) {}

  async start(
    start: ActionStart,
    event?: { name: string; host?: string | null },
  ): Promise<InstanceActionEntity> {
    const now = new Date();
    const action = await this.actions.save(
      this.actions.create({ ...start, startTime: now, finishTime: null, message: null, updatedAt: now }),
    );
    if (event) await this.startEvent(action.instanceUuid, action.action, event.name, event.host ?? null);
    return action;
  }

  /** Opens a step on the newest action of that name for the server. */
  async startEvent(instanceUuid: string, action: string, name: string, host: string | null): Promise<void> {
    const parent = await this.latest(instanceUuid, action);
    if (!parent) return;
    await this.events.save(
      this.events.create({
        actionId: parent.id,
        event: name,
        startTime: new Date(),
        finishTime: null,
        result: null,
        traceback: null,
        host,
      }),
    );
    await this.actions.update({ id: parent.id }, { updatedAt: new Date() });
  }

  /** Closes the newest open step of that name; a failure marks the action's message "Error", as Nova does. */
  async finishEvent(
    instanceUuid: string,
    action: string,
    name: string,
    outcome: { ok: true } | { ok: false; traceback: string },
  ): Promise<void> {
    const parent = await this.latest(instanceUuid, action);
    if (!parent) return;
    const open = await this.events.findOne({
      where: { actionId: parent.id, event: name, finishTime: IsNull() },
      order: { id: 'DESC' },
    });
    if (!open) return;
    const now = new Date();
    await this.events.update(
      { id: open.id },
      {
        finishTime: now,
        result: outcome.ok ? 'Success' : 'Error',
        traceback: outcome.ok ? null : outcome.traceback,
      },
    );
    await this.actions.update(
      { id: parent.id },
      outcome.ok ? { updatedAt: now } : { updatedAt: now, message: 'Error' },
    );
  }

  list(instanceUuid: string): Promise<InstanceActionEntity[]> {
    return this.actions.find({ where: { instanceUuid }, order: { startTime: 'DESC', id: 'DESC' } });
  }

  async get(
    instanceUuid: string,
    requestId: string,
  ): Promise<{ action: InstanceActionEntity; events: InstanceActionEventEntity[] } | null> {
    const action = await this.actions.findOneBy({ instanceUuid, requestId });
    if (!action) return null;
    return {
      action,
      events: await this.events.find({ where: { actionId: action.id }, order: { id: 'ASC' } }),
    };
  }

  private latest(instanceUuid: string, action: string): Promise<InstanceActionEntity | null> {
    return this.actions.findOne({ where: { instanceUuid, action }, order: { id: 'DESC' } });
  }
}
