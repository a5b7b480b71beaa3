import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { CONTROLLERS } from './app.module';
import { ACCESS, type AccessRule } from './permissions';

export interface RouteInfo {
  method: string;
  path: string;
  controller: string;
  handler: string;
  rule: AccessRule | undefined;
}

const join = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every route the API serves, with its declared access rule, read from the controllers' metadata. */
export function routeTable(): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const controller of CONTROLLERS) {
    const base = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
    const classRule = Reflect.getMetadata(ACCESS, controller) as AccessRule | undefined;
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as unknown as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (path === undefined) continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
      routes.push({
        method: RequestMethod[method],
        path: join(base, path),
        controller: controller.name,
        handler: name,
        rule: (Reflect.getMetadata(ACCESS, handler) as AccessRule | undefined) ?? classRule,
      });
    }
  }
  return routes;
}
