import { DomainError } from '@stratus/platform';
import { bootPlanOf } from './block-device-mappings';
import type { BlockDeviceMapping } from './server-schemas';

const IMAGE = '6d3e2f1a-0000-4000-8000-000000000001';
const VOLUME = '6d3e2f1a-0000-4000-8000-000000000002';

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).message;
  }
  throw new Error('expected a 400');
}

describe('bootPlanOf', () => {
  it('boots an image on a local disk, from imageRef or an image mapping', () => {
    expect(bootPlanOf(`http://glance/images/${IMAGE}`)).toEqual({ imageId: IMAGE, volumes: [] });
    const local: BlockDeviceMapping = {
      source_type: 'image',
      destination_type: 'local',
      boot_index: 0,
      uuid: IMAGE,
    };
    expect(bootPlanOf('', [local])).toEqual({ imageId: IMAGE, volumes: [] });
  });

  it('makes a root volume of an image (openstack server create --boot-from-volume)', () => {
    const plan = bootPlanOf('', [
      { source_type: 'image', destination_type: 'volume', boot_index: 0, uuid: IMAGE, volume_size: 2 },
    ]);
    expect(plan.imageId).toBe(IMAGE);
    expect(plan.volumes).toEqual([
      expect.objectContaining({
        sourceType: 'image',
        sourceId: IMAGE,
        bootIndex: 0,
        volumeSize: 2,
        volumeId: null,
        deleteOnTermination: false,
        deviceName: '/dev/vda',
      }),
    ]);
  });

  it('boots an existing volume, with more volumes after it in device order', () => {
    const plan = bootPlanOf(undefined, [
      { source_type: 'blank', destination_type: 'volume', volume_size: 1, delete_on_termination: true },
      { source_type: 'volume', boot_index: 0, uuid: VOLUME },
    ]);
    expect(plan.imageId).toBeNull();
    expect(plan.volumes.map((v) => [v.sourceType, v.volumeId, v.deviceName, v.deleteOnTermination])).toEqual([
      ['volume', VOLUME, '/dev/vda', false],
      ['blank', null, '/dev/vdb', true],
    ]);
  });

  it('puts volumes after the local root disk of an image', () => {
    const plan = bootPlanOf(IMAGE, [
      { source_type: 'volume', destination_type: 'volume', uuid: VOLUME, boot_index: -1 },
    ]);
    expect(plan).toMatchObject({
      imageId: IMAGE,
      volumes: [{ volumeId: VOLUME, bootIndex: null, deviceName: '/dev/vdb' }],
    });
  });

  it("answers Nova's 400s for mappings it cannot boot", () => {
    expect(rejection(() => bootPlanOf(undefined))).toBe('Missing imageRef attribute');
    expect(
      rejection(() =>
        bootPlanOf('', [{ source_type: 'image', destination_type: 'volume', boot_index: 0, uuid: IMAGE }]),
      ),
    ).toMatch(/need to have a non-zero size/);
    expect(
      rejection(() => bootPlanOf('', [{ source_type: 'volume', destination_type: 'volume', boot_index: 0 }])),
    ).toMatch(/Missing device UUID/);
    expect(
      rejection(() =>
        bootPlanOf('', [
          { source_type: 'volume', boot_index: 0, uuid: VOLUME },
          { source_type: 'image', destination_type: 'volume', boot_index: 0, uuid: IMAGE, volume_size: 1 },
        ]),
      ),
    ).toMatch(/Boot sequence/);
    expect(
      rejection(() =>
        bootPlanOf('', [{ source_type: 'blank', destination_type: 'volume', boot_index: 0, volume_size: 1 }]),
      ),
    ).toMatch(/Boot sequence/);
    expect(
      rejection(() =>
        bootPlanOf(IMAGE, [{ source_type: 'blank', destination_type: 'local', volume_size: 1 }]),
      ),
    ).toMatch(/ephemeral and swap disks are not offered/);
    expect(rejection(() => bootPlanOf('', [{ source_type: 'volume', uuid: VOLUME }]))).toMatch(
      /Boot sequence/,
    );
  });
});
