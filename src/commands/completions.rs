use clap::CommandFactory as _;

pub fn run(shell: clap_complete::Shell) {
    let mut command = crate::cli::Cli::command();
    clap_complete::generate(shell, &mut command, "dfworx", &mut std::io::stdout());
}
