/// The `shiftcast` command: parses arguments and dispatches to subcommands.
/// (Skeleton; subcommands land with their issues.)
public enum ShiftcastCommand {
    public static let version = "0.1.0"

    /// Runs the command line and returns the process exit status.
    public static func main(arguments: [String]) -> Int32 {
        print("shiftcast \(version)")
        return 0
    }
}
