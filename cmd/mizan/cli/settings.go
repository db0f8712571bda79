package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"mizan/storage"
)

func init() {
	readOnlyCommands["settings show"] = true
	Register(Command{
		Name:    "settings show",
		Args:    "[--branch CODE]",
		Summary: "Show the seller details printed on invoices, and who issues each store's tax invoices",
		Help: `Without --branch, the business's details; with it, what that branch's invoices carry (its own
values, the business's where it has none).`,
		Run: runSettingsShow,
	})
	Register(Command{
		Name:    "settings set",
		Args:    "[--branch CODE] [--connection NAME] KEY=VALUE...",
		Summary: "Set seller details for invoices, or who issues a store's tax invoices",
		Help: `Keys:
  name_ar, name_en       the legal name in Arabic and in English
  vat_number             the VAT registration number: 15 digits, starting and ending with 3
  cr_number              the commercial registration number (10 digits)
  address_ar, address_en the address in Arabic and in English
  logo                   the path of a PNG or JPEG image file (at most 1 MB), kept in the books
  issuer                 with --connection NAME: who issues the tax invoices of that store's sales,
                         mizan (Mizan's simplified tax invoice with its QR code) or store (the store
                         issues them; Mizan's invoice prints as a copy)
An empty value (KEY=) removes a detail; with --branch, the branch then takes the business's.
All the values are checked before any is saved.`,
		Run: runSettingsSet,
	})
}

// findBranch finds the branch whose code or name is name, ignoring case and surrounding spaces;
// false when there is none.
func findBranch(ctx context.Context, db *storage.DB, name string) (storage.Branch, bool, error) {
	branches, err := db.Branches(ctx)
	if err != nil {
		return storage.Branch{}, false, fmt.Errorf("read branches: %w", err)
	}
	name = strings.TrimSpace(name)
	for _, b := range branches {
		if strings.EqualFold(b.Code, name) || strings.EqualFold(b.Name, name) {
			return b, true, nil
		}
	}
	return storage.Branch{}, false, nil
}

// branchFlag finds the branch --branch names (by code or name); 0 for none.
func branchFlag(ctx context.Context, db *storage.DB, name string) (storage.Branch, error) {
	if strings.TrimSpace(name) == "" {
		return storage.Branch{}, nil
	}
	b, ok, err := findBranch(ctx, db, name)
	if err != nil {
		return storage.Branch{}, err
	}
	if !ok {
		return storage.Branch{}, Usagef("--branch: no branch has the code or name %q", name)
	}
	return b, nil
}

func runSettingsShow(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("settings show", flag.ContinueOnError)
	branchName := fs.String("branch", "", "show what the branch with this `CODE` (or name) prints")
	db, err := flagsThenBooks(ctx, env, fs, args)
	if err != nil {
		return err
	}
	branch, err := branchFlag(ctx, db, *branchName)
	if err != nil {
		return err
	}
	seller, err := db.Seller(ctx, branch.ID)
	if err != nil {
		return err
	}
	var own storage.Seller
	if branch.ID != 0 {
		if own, err = db.SellerOwn(ctx, branch.ID); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Seller details on the invoices of branch %s (%s):\n", branch.Code, cleanCell(branch.Name))
	} else {
		fmt.Fprintln(env.Stdout, "Seller details on the business's invoices:")
	}
	t := newTable(env.Stdout)
	for _, f := range storage.SellerFields {
		value := seller.Get(f.Key)
		mark := ""
		if f.Key == "logo" {
			if len(seller.Logo) > 0 {
				value = fmt.Sprintf("an image of %d KB", (len(seller.Logo)+1023)/1024)
			}
			if len(own.Logo) > 0 {
				mark = "(the branch's own)"
			}
		} else if own.Get(f.Key) != "" {
			mark = "(the branch's own)"
		}
		if value == "" {
			value = "-"
		}
		t.row("  "+f.Key, value, mark)
	}
	if err := t.flush(); err != nil {
		return err
	}
	if seller.VATNumber == "" {
		fmt.Fprintln(env.Stdout, "\nNo VAT registration number: invoices print without the tax invoice's QR code.")
	}
	issuers, err := db.InvoiceIssuers(ctx)
	if err != nil {
		return fmt.Errorf("read the invoice issuers: %w", err)
	}
	if len(issuers) > 0 {
		fmt.Fprintln(env.Stdout, "\nWho issues the tax invoices of each store's sales:")
		it := newTable(env.Stdout)
		for _, c := range issuers {
			it.row("  "+c.Name, c.Platform, string(c.Issuer))
		}
		return it.flush()
	}
	return nil
}

func runSettingsSet(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("settings set", flag.ContinueOnError)
	branchName := fs.String("branch", "", "set the branch's own values (`CODE` or name) instead of the business's")
	connection := fs.String("connection", "", "the store connection `NAME` whose issuer is set")
	pos, err := parseArgs(fs, args, someArgs("nothing to set: give KEY=VALUE, e.g. vat_number=310123456789003"))
	if err != nil {
		return err
	}
	type change struct {
		key, value string
		logo       []byte
		issuer     storage.Issuer
	}
	var changes []change
	for _, a := range pos {
		key, value, ok := strings.Cut(a, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		if !ok {
			return Usagef("%q is not KEY=VALUE", a)
		}
		switch key {
		case "issuer":
			if *connection == "" {
				return Usagef("issuer needs --connection NAME: the store whose tax invoices it is about")
			}
			issuer, err := storage.ParseIssuer(value)
			if err != nil {
				return Usagef("%v", err)
			}
			changes = append(changes, change{key: key, issuer: issuer})
		case "logo":
			var data []byte
			if strings.TrimSpace(value) != "" {
				if data, err = os.ReadFile(value); err != nil {
					return fmt.Errorf("logo: %w", err)
				}
				if err := storage.CheckLogo(data); err != nil {
					return err
				}
			}
			changes = append(changes, change{key: key, logo: data})
		default:
			clean, err := storage.CheckSellerField(key, value)
			if err != nil {
				return err
			}
			changes = append(changes, change{key: key, value: clean})
		}
	}
	db, err := env.DB(ctx)
	if err != nil {
		return err
	}
	branch, err := branchFlag(ctx, db, *branchName)
	if err != nil {
		return err
	}
	err = db.Update(ctx, func(tx *storage.Tx) error {
		for _, c := range changes {
			var err error
			switch c.key {
			case "issuer":
				err = tx.SetInvoiceIssuerByName(*connection, c.issuer)
			case "logo":
				err = tx.SetSellerLogo(branch.ID, c.logo)
			default:
				err = tx.SetSeller(branch.ID, c.key, c.value)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Saved %d setting(s).\n", len(changes))
	return nil
}
