import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ROUTE_ACCESS, type RouteAccess } from '../../src/core/auth/route-access';

export interface DeclaredRoute {
  method: string;
  path: string;
  access: RouteAccess | undefined;
  handler: string;
}

/** Controllers served at the root, outside the API prefix (see app.factory.ts). */
const UNPREFIXED = ['/health', '/metrics'];

function joinPath(...parts: string[]): string {
  return `/${parts
    .map((part) => part.replace(/^\/|\/$/g, ''))
    .filter(Boolean)
    .join('/')}`;
}

/** Every HTTP route of the app as Nest registered it, with the access rule it declares (if any). */
export function declaredRoutes(app: INestApplication): DeclaredRoute[] {
  const modules = app.get(ModulesContainer);
  const scanner = new MetadataScanner();
  const reflector = app.get(Reflector);
  const routes: DeclaredRoute[] = [];
  const controllers = [...modules.values()].flatMap((module) => [...module.controllers.values()]);
  for (const wrapper of controllers) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const prefix = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      const access = reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
        handler,
        wrapper.metatype,
      ]);
      const fullPath = UNPREFIXED.includes(joinPath(prefix))
        ? joinPath(prefix, path)
        : joinPath('api/v1', prefix, path);
      routes.push({
        method: RequestMethod[method],
        path: fullPath,
        access,
        handler: `${wrapper.metatype.name}.${name}`,
      });
    }
  }
  return routes;
}
