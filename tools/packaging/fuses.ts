// electron-builder's afterPack hook (built to dist/tools/packaging/fuses.js): sets Electron's fuses
// in the packed binary, so the installed kiosk cannot be turned into a Node runtime or debugger.
import { join } from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses';
import type { FuseV1Config } from '@electron/fuses';

/**
 * Every fuse decided (strictlyRequireAllFuses: a fuse added by a future Electron fails the build
 * until someone decides it). Note: Electron validates ASAR integrity on macOS and Windows only;
 * on Linux that fuse is inert, and the package's root-owned /opt plus the unit's
 * ProtectSystem=strict are what keep app.asar unmodified.
 */
export const KIOSK_FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would make the binary a plain Node with the kiosk's privileges.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The kiosk loads nothing from file://.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
} satisfies FuseV1Config;

/** The part of electron-builder's AfterPackContext the hook reads. */
export interface PackedApp {
  readonly appOutDir: string;
  readonly electronPlatformName: string;
  readonly packager: { readonly executableName: string };
}

export async function afterPack(context: PackedApp): Promise<void> {
  if (context.electronPlatformName !== 'linux') {
    throw new Error(`fuses: verikiosk is packaged for Linux only (got ${context.electronPlatformName})`);
  }
  await flipFuses(join(context.appOutDir, context.packager.executableName), KIOSK_FUSES);
}

export default afterPack;
