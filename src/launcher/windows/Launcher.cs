// kvmi.exe of the portable Windows package: runs runtime\deno.exe with lib\main.js (kvmi's bundled
// code) and hands it this process's own command-line tail unchanged, so every argument reaches kvmi
// exactly as the caller quoted it. No cmd.exe in between (its parser mangles &, |, ^, % and quotes),
// no re-quoting of parsed arguments, no value of its own on any command line. Standard input, output
// and error are inherited; the exit code is passed through.
using System;
using System.Diagnostics;
using System.IO;

namespace Kvmi
{
    /// <summary>The launcher's entry point.</summary>
    public static class Launcher
    {
        /// <summary>Deno flags for running the bundled kvmi: no config, lock or prompt, no update check.</summary>
        public const string DenoFlags = "run --allow-all --no-config --no-lock --no-prompt --quiet";

        private static int Main()
        {
            string home = AppDomain.CurrentDomain.BaseDirectory;
            string deno = Path.Combine(home, "runtime", "deno.exe");
            string main = Path.Combine(home, "lib", "main.js");
            if (!File.Exists(deno) || !File.Exists(main))
            {
                Console.Error.WriteLine("kvmi: error: this kvmi installation is incomplete: " + deno + " or " + main + " is missing.");
                Console.Error.WriteLine("kvmi: hint: Reinstall kvmi with Install-KvMi.ps1 from the release zip.");
                return 1;
            }
            string tail = CommandLineTail(Environment.CommandLine);
            ProcessStartInfo start = new ProcessStartInfo(deno)
            {
                UseShellExecute = false,
                Arguments = DenoFlags + " \"" + main + "\"" + (tail.Length > 0 ? " " + tail : ""),
            };
            start.EnvironmentVariables["DENO_NO_UPDATE_CHECK"] = "1";
            // Ctrl+C reaches every process on the console; kvmi (the child) decides what to do.
            Console.CancelKeyPress += (sender, e) => { e.Cancel = true; };
            using (Process child = Process.Start(start))
            {
                child.WaitForExit();
                return child.ExitCode;
            }
        }

        /// <summary>
        /// What follows the program name in a Windows command line, verbatim. The program name ends
        /// where CommandLineToArgvW ends argv[0]: at the closing quote when it starts with a quote,
        /// otherwise at the first space or tab; the blanks after it are skipped.
        /// </summary>
        public static string CommandLineTail(string commandLine)
        {
            int i = 0;
            if (commandLine.Length > 0 && commandLine[0] == '"')
            {
                int close = commandLine.IndexOf('"', 1);
                i = close < 0 ? commandLine.Length : close + 1;
            }
            else
            {
                while (i < commandLine.Length && commandLine[i] != ' ' && commandLine[i] != '\t') i++;
            }
            while (i < commandLine.Length && (commandLine[i] == ' ' || commandLine[i] == '\t')) i++;
            return commandLine.Substring(i);
        }
    }
}
