import { type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, Role } from '@dispatch/domain';
import type { AccessTokenClaims } from '../auth/actor';
import { MachineClientGuard, type MachineClientRequest } from '../auth/machine-client.guard';
import type { MachineClients, RegisteredMachine } from '../auth/machine-clients.service';

const SAP: RegisteredMachine = {
  id: '0b4e2a60-6f39-4f5e-9d55-1f4f3c0e2d11',
  clientId: 'acme-sap-0a1b2c3d',
  name: 'SAP',
  role: Role.Dispatcher,
};

function setUp(registered: RegisteredMachine[] = [SAP]) {
  const find = jest.fn(async (tenant: string, clientId: string) =>
    tenant === 'acme'
      ? (registered.find((machine) => machine.clientId === clientId) ?? null)
      : null,
  );
  const guard = new MachineClientGuard(new Reflector(), { find } as unknown as MachineClients);
  const run = async (user: AccessTokenClaims) => {
    const request: MachineClientRequest = { user };
    class Controller {}
    const context = {
      switchToHttp: () => ({ getRequest: () => request }),
      getHandler: () => () => undefined,
      getClass: () => Controller,
    } as unknown as ExecutionContext;
    return { allowed: await guard.canActivate(context), request };
  };
  return { find, run };
}

const machineClaims = (roles: string[], clientId = SAP.clientId): AccessTokenClaims => ({
  sub: 'c7f1…',
  preferred_username: `service-account-${clientId}`,
  azp: clientId,
  tenant: 'acme',
  realm_access: { roles },
});

describe('MachineClientGuard', () => {
  it('lets people’s tokens through without looking anything up', async () => {
    const { find, run } = setUp();
    const outcome = await run({
      sub: 'u',
      preferred_username: 'acme-dispatcher',
      azp: 'dispatch-cli',
      tenant: 'acme',
      realm_access: { roles: ['dispatcher'] },
    });
    expect(outcome.allowed).toBe(true);
    expect(outcome.request.machineClient).toBeUndefined();
    expect(find).not.toHaveBeenCalled();
  });

  it('passes a registered machine with its registered role, and names it for the actor', async () => {
    const { run } = setUp();
    const outcome = await run(machineClaims(['dispatcher']));
    expect(outcome.allowed).toBe(true);
    expect(outcome.request.machineClient).toEqual(SAP);
  });

  it('refuses a machine whose client is not (or no longer) registered with 401', async () => {
    const { run } = setUp([]);
    await expect(run(machineClaims(['dispatcher']))).rejects.toBeInstanceOf(UnauthorizedException);
  });

  it('refuses a token whose service account does not belong to its azp client', async () => {
    const { find, run } = setUp();
    await expect(
      run({ ...machineClaims(['dispatcher']), preferred_username: 'service-account-other' }),
    ).rejects.toBeInstanceOf(UnauthorizedException);
    expect(find).not.toHaveBeenCalled();
  });

  it('refuses (403) a machine token carrying other roles than the registered one', async () => {
    const { run } = setUp();
    for (const roles of [['admin', 'dispatcher'], ['viewer'], []])
      await expect(run(machineClaims(roles))).rejects.toBeInstanceOf(DomainError);
  });
});
