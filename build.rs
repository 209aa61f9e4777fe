//! The templates are embedded with `include_dir!`, which cannot tell cargo which files it read on a
//! stable compiler: without this, adding or editing a template would not rebuild the binary.
fn main() {
    println!("cargo:rerun-if-changed=templates");
}
