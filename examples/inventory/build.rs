//! Generates the service's code from `proto/inventory.proto` (the current service) and
//! `proto/v2/inventory.proto` (its breaking next version), each into its own folder.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    for (proto, include, folder) in [
        ("proto/inventory.proto", "proto", "v1"),
        ("proto/v2/inventory.proto", "proto/v2", "v2"),
    ] {
        println!("cargo:rerun-if-changed={proto}");
        let files = protox::compile([proto], [include])?;
        let dir = out.join(folder);
        std::fs::create_dir_all(&dir)?;
        tonic_prost_build::configure().out_dir(&dir).compile_fds(files)?;
    }
    Ok(())
}
