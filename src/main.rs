// typst allocates and frees many small values while it lays out a page;
// glibc's allocator took an eighth of a national-scale build in `perf`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    s75::cli::main()
}
