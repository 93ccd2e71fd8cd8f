import { Anchor, type AnchorProps, NavLink, type NavLinkProps } from '@mantine/core';
import { createLink } from '@tanstack/react-router';
import type { ComponentPropsWithRef } from 'react';

type AnchorElementProps = Omit<ComponentPropsWithRef<'a'>, 'color' | 'style'>;

function NavLinkAnchor(props: NavLinkProps & AnchorElementProps) {
  return <NavLink component="a" {...props} />;
}

function AnchorLink(props: AnchorProps & AnchorElementProps) {
  return <Anchor component="a" {...props} />;
}

/**
 * Links of the router drawn as Mantine components: real `<a href>` elements (a middle click opens a
 * new tab, a link can be copied), navigating inside the console on a plain click.
 */
export const RouterNavLink = createLink(NavLinkAnchor);
export const RouterAnchor = createLink(AnchorLink);
