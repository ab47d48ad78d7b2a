/**
 * The layer contract shared with the cli that writes it: where a service's material is
 * ({@link dev.mtlscli.runtime.layer.LayerLayout}), and its manifest.json
 * ({@link dev.mtlscli.runtime.layer.LayerManifest}), which names the store files and the SSM
 * parameters, pinned to a version, that hold their passwords.
 */
package dev.mtlscli.runtime.layer;
