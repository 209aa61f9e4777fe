use clap::CommandFactory as _;

use crate::printer::Printer;

pub fn run(shell: clap_complete::Shell, printer: &Printer) -> anyhow::Result<u8> {
    let mut command = crate::cli::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "dfworx", &mut script);
    printer.bytes(&script)?;
    Ok(crate::error::exit::OK)
}
