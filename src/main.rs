fn main() -> std::process::ExitCode {
    kusei::cli::main()
}
